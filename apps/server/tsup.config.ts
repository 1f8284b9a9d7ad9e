import { applicationConfig } from '../../tooling/src/tsup.ts';

// `main` is what `pnpm start` and the `cpixkit-server` bin run; `index` is the package entry the exports
// map names. Both get declarations: the package is published.
export default applicationConfig(['src/main.ts', 'src/index.ts'], {
  external: ['pg'],
  dts: true,
  banner: { js: '#!/usr/bin/env node' },
});
