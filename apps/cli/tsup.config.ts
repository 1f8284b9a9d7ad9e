import { applicationConfig } from '../../tooling/src/tsup.ts';

export default applicationConfig({ cli: 'src/cli.ts' }, { banner: { js: '#!/usr/bin/env node' } });
