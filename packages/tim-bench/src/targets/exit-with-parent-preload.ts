/**
 * Loaded with `--require` into a server the bench does not own (tim-code), so that the
 * server exits when the harness does, even if the harness is killed before it can clean up.
 */
import { exitWithParent } from '../child-registry';

exitWithParent();
