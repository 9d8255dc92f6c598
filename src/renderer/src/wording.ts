// How counts read in the console: "1 row", "2 rows", "0 rows", never "1 rows".

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`
}
