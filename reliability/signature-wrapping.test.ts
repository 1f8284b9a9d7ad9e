import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeCpix, type CpixDocument } from '@cpixkit/cpix-model';
import { signCpix } from '@cpixkit/cpix-model/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoFixtures } from '../packages/cpix-model/test/crypto-fixtures.js';
import {
  ATTACKER_KID,
  wrappingAttacks,
  type WrappingAttack,
} from '../packages/cpix-model/test/signature-wrapping-attacks.js';

/**
 * Signature wrapping against the built command line (`apps/cli/dist/cli.js`), as a security
 * reviewer would try it: a document whose content keys are signed, forged so that the signed list
 * (or key) sits where the reader does not look and the attacker's keys where it does. `cpix verify`
 * must refuse every forgery (exit 2, no valid signature) while `cpix inspect` shows the attacker's
 * keys or refuses the document. No network; each run of the binary is bounded.
 */

const CLI = new URL('../apps/cli/dist/cli.js', import.meta.url).pathname;
/** Longest time one run of the binary may take on a shared 2-core machine. */
const RUN_TIMEOUT_MS = 30_000;
const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';

interface Verified {
  valid: boolean;
  signatures: { valid: boolean; code?: string; covers: string[] }[];
}

function cpixkit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function document(): CpixDocument {
  return {
    contentId: 'wrapped',
    version: '2.3',
    contentKeyList: {
      id: 'keys',
      contentKeys: [{ id: 'key-1', kid: KID, data: { secret: { plainValue: new Uint8Array(randomBytes(16)) } } }],
    },
    drmSystemList: {
      drmSystems: [{ systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', kid: KID, pssh: new Uint8Array(40).fill(7) }],
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cpixkit-wrapping-'));
let listSigned: string;
let attacks: WrappingAttack[];
beforeAll(async () => {
  const fx = cryptoFixtures();
  const signer = { privateKey: fx.key('signer'), certificate: fx.pem('signer') };
  const xml = serializeCpix(document(), { version: '2.3' });
  listSigned = await signCpix(xml, { ...signer, target: 'ContentKeyList' });
  attacks = wrappingAttacks(listSigned, await signCpix(xml, { ...signer, target: { id: 'key-1' } }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, xml: string): string {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpix`);
  writeFileSync(file, xml);
  return file;
}

describe('cpixkit cpix verify and inspect against signature wrapping', () => {
  it('verifies the untouched signed document, covering the ContentKeyList (control)', () => {
    const run = cpixkit(['cpix', 'verify', write('control', listSigned), '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      valid: true,
      signatures: [{ valid: true, covers: ['/CPIX/ContentKeyList'] }],
    });
  });

  it('refuses every forgery, whatever inspect reads from it', () => {
    const outcomes = attacks.map((attack) => {
      const file = write(attack.name, attack.xml);
      const verify = cpixkit(['cpix', 'verify', file, '--json']);
      const verified = JSON.parse(verify.stdout) as Verified;
      const inspect = cpixkit(['cpix', 'inspect', file, '--json']);
      const kids =
        inspect.status === 0
          ? (JSON.parse(inspect.stdout) as { contentKeys: { kid: string }[] }).contentKeys.map((key) => key.kid)
          : [];
      return {
        name: attack.name,
        verifyStatus: verify.status,
        valid: verified.valid,
        validSignatures: verified.signatures.filter((signature) => signature.valid || signature.covers.length > 0)
          .length,
        codes: verified.signatures.map((signature) => signature.code),
        inspected: attack.parses ? kids.includes(ATTACKER_KID) : inspect.status !== 0,
      };
    });
    for (const outcome of outcomes) {
      expect(outcome, outcome.name).toMatchObject({
        verifyStatus: 2,
        valid: false,
        validSignatures: 0,
        inspected: true,
      });
      expect(outcome.codes, outcome.name).toEqual([
        expect.stringMatching(/^ERR_CPIX_SIGNATURE_(UNBOUND|AMBIGUOUS)_REFERENCE$/),
      ]);
    }
    console.log(`[reliability] signature wrapping: ${outcomes.length} forgeries, all refused by cpix verify`);
  });
});
