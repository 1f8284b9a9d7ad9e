// Run by `pnpm version-packages` before `changeset version`: see writeBundledReleaseChangesets.
import { writeBundledReleaseChangesets } from '../src/bundled-releases.ts';

const written = writeBundledReleaseChangesets(process.cwd());
if (written.length > 0) console.log(`bundled releases: patch changesets for ${written.join(', ')}`);
