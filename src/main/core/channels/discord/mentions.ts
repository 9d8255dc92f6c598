// @everyone, @here, <@123>, <@!123>, <@&123>, <#123>. A zero-width space keeps the text
// readable but stops Discord from parsing a mention. allowed_mentions is the real guard.
const DISCORD_MENTION = /@(everyone|here)\b|<(?=(?:@[!&]?|#)\d+>)/gi
const ZERO_WIDTH_SPACE = '\u200b'

/** Defence in depth for text written by the public (report descriptions, names). */
export function neutralizeDiscordMentions(text: string): string {
  return text.replace(DISCORD_MENTION, (match) =>
    match === '<' ? `<${ZERO_WIDTH_SPACE}` : `@${ZERO_WIDTH_SPACE}${match.slice(1)}`,
  )
}
