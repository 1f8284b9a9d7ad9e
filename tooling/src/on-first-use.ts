/**
 * A value made on its first use and then kept. Tests use it, not `beforeAll` or a `describe` body,
 * for shared values made by the code under test: StrykerJS counts code run outside a test as static
 * and runs the package's whole suite for every mutant of it, where code run inside tests is judged
 * by the tests that reach it.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
