// The transform plugin's entry: registers the plugin and exports waPC's __guest_call.

import { registerPlugin, reportAbort } from '@wasmpipe/sdk-assemblyscript/assembly';
import { Transform } from './transform';

registerPlugin(new Transform());

export { __guest_call } from '@wasmpipe/sdk-assemblyscript/assembly/guest-call';

/** Reports an AssemblyScript abort as a guest error before the trap that follows it. */
function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  reportAbort(message, fileName, line, column);
  unreachable();
}
