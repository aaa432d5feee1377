import { Command } from 'commander';
import { AdminContext } from './admin-context';
import { dbCommands } from './commands/db.commands';

const program = new Command('admin')
  .description('Admin command line of the bare-metal allocator (uses DATABASE_URL, or the embedded database under .data/)')
  .option('--json', 'machine-readable output on stdout')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

const context = new AdminContext(program);
program.addCommand(dbCommands(context));

program.parseAsync(process.argv);
