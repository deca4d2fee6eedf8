// Text from a log is shown, never obeyed: a log line holding an escape sequence must not retitle,
// recolour or clear the terminal of the person reading kcompat's output, a carriage return must
// not hide what comes before it, and bidirectional overrides must not reorder what is read
// ("Trojan Source", CVE-2021-42574). Such characters are written as visible escapes.

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides
// and isolates (U+202A-U+202E, U+2066-U+2069).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character written as \xHH (or \uHHHH). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A copy of a value with every string in it made printable (for text and markdown output). */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableDeep(item)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, printableDeep(item)]),
    ) as T;
  return value;
}
