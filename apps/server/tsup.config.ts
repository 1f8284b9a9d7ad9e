import { applicationConfig } from '../../tooling/src/tsup.ts';

// `main` is what `pnpm start` runs; `index` is the package entry the exports map names.
export default applicationConfig(['src/main.ts', 'src/index.ts'], { external: ['better-sqlite3', 'pg'] });
