import { libraryConfig } from '../../tooling/src/tsup.ts';

export default libraryConfig(['src/index.ts', 'src/signature.ts']);
