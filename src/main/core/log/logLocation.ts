// Where the log is, for messages that send a person to it. Each shell says where it logs:
// the headless service to its standard output, the desktop app to a file in its log folder.
export const STANDARD_OUTPUT = 'the standard output of `knocker serve`'

export function seeTheLog(location: string): string {
  return `see the Knocker log (${location})`
}
