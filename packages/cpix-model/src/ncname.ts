/** An NCName as the reader sees names: letters beyond ASCII taken as every UTF-16 code unit from U+00C0 up. */
const NCNAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*$/;

/**
 * True when `value` is an XML NCName, a name without a colon: what an `xs:ID` attribute (`CPIX@id`,
 * `ContentKey@id` …) and a namespace prefix must be. Letters beyond ASCII are approximated as every
 * UTF-16 code unit from U+00C0 up, as cpix-model's XML reader reads names.
 */
export function isNcName(value: string): boolean {
  return NCNAME.test(value);
}
