import { applicationConfig } from '../../tooling/src/tsup.ts';

export default applicationConfig({ handler: 'src/handler.ts' }, { external: [/^@aws-sdk\//] });
