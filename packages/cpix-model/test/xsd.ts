import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { schemaDir } from '../../../tooling/src/fixtures.js';

const SCHEMA_FILES = ['cpix.xsd', 'pskc.xsd', 'xenc-schema.xsd', 'xmldsig-core-schema.xsd'] as const;
const schemas = new Map<string, XMLFileInfo[]>();

function schemaFiles(version: '2.3' | '2.4'): XMLFileInfo[] {
  let files = schemas.get(version);
  if (files === undefined) {
    files = SCHEMA_FILES.map((fileName) => ({
      fileName,
      contents: readFileSync(join(schemaDir(version), fileName), 'utf8'),
    }));
    schemas.set(version, files);
  }
  return files;
}

/** The outcome of {@link validateAgainstXsd}: `errors` are xmllint's messages with their line numbers. */
export interface XsdValidation {
  valid: boolean;
  errors: string[];
}

/**
 * Validates an XML document against the CPIX schema of `version` with xmllint (WebAssembly),
 * all four schema files preloaded so that the imports resolve offline.
 */
export async function validateAgainstXsd(xml: string, version: '2.3' | '2.4'): Promise<XsdValidation> {
  const [result] = await validateManyAgainstXsd([xml], version);
  return result!;
}

/**
 * Validates several documents in one xmllint run (each run compiles the schemas again, so batches
 * are much faster than one call per document). The results are in the order of `xmls`.
 */
export async function validateManyAgainstXsd(
  xmls: readonly string[],
  version: '2.3' | '2.4',
): Promise<XsdValidation[]> {
  const [cpix, ...imports] = schemaFiles(version);
  const names = xmls.map((_, index) => `document-${index}.xml`);
  const result = await validateXML({
    xml: xmls.map((contents, index) => ({ fileName: names[index]!, contents })),
    schema: cpix!,
    preload: imports,
    maxMemoryPages: 4096,
  });
  return names.map((name) => {
    const errors = result.errors
      .filter((error) => error.loc?.fileName === name || error.rawMessage.startsWith(name))
      .map((error) => `${error.loc === null ? '' : `line ${error.loc.lineNumber}: `}${error.message}`);
    return { valid: errors.length === 0 && (result.valid || xmls.length > 1), errors };
  });
}
