import { applicationConfig } from '../../tooling/src/tsup.ts';

export default applicationConfig(['src/main.ts'], { external: ['better-sqlite3', 'pg'] });
