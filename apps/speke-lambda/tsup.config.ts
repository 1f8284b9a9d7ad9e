import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { applicationConfig } from '../../tooling/src/tsup.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default applicationConfig(
  { handler: 'src/index.ts' },
  {
    // The function runs on AWS Lambda's nodejs24.x runtime (template.yaml).
    target: 'node24',
    // One file with everything inlined but the AWS SDK, which the Lambda Node.js runtime provides.
    external: [/^@aws-sdk\//],
    noExternal: [/^(?!@aws-sdk\/)/],
    // dist/metafile-esm.json: what the bundle is made of, read by scripts/measure-bundle.mjs.
    metafile: true,
    // dist/ is the function's code (template.yaml CodeUri). This manifest makes Node load
    // handler.js as an ES module, and gives `sam build` a package with nothing to install.
    async onSuccess() {
      const manifest = { name: 'cpixkit-speke-lambda', version, private: true, type: 'module' };
      await writeFile(new URL('./dist/package.json', import.meta.url), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  },
);
