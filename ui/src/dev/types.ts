// The shape the development mock must have: one handler per command of backend.ts's `Commands`,
// taking that command's argument object and answering its result type. Each domain file declares
// its handlers `satisfies Partial<MockHandlers>` (an unknown or renamed command fails there), and
// mockBackend.ts assembles them into a full `MockHandlers` (a missing command fails there).
import type { CommandArgs, CommandName, CommandResult } from '../backend';

export type MockHandlers = {
  [K in CommandName]: (args: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>>;
};
