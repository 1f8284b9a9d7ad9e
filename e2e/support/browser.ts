import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { requireTool } from './tools.js';

/** Debian's Chromium, installed by `tooling/scripts/install-system-deps.sh chromium`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), no GPU, and nothing that reaches the network on its own. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile. */
export interface Browser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Starts Debian's Chromium through playwright-core (no browser download) with a fresh `--user-data-dir`. */
export async function launchChromium(): Promise<Browser> {
  requireTool('chromium');
  const profile = mkdtempSync(join(tmpdir(), 'cpixkit-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
