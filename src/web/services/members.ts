// A pasted list of phone numbers for a group pull: one per line, or separated by commas,
// semicolons or spaces; spaces, dashes and brackets inside a number are dropped. The hub
// decides what is valid (invalid or repeated numbers come back `skipped`).
export function parseMembers(text: string): string[] {
  return text
    .split(/[\n,;\t]+|\s{2,}/)
    .map((part) => part.replace(/[\s()-]/g, ''))
    .filter((part) => part.length > 0);
}
