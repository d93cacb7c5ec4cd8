/** `npm run plan -- --rate 5000/min --duration 2s --payload 4KB`: the plan command on the console. */
import { runPlanCommand } from './plan-command';

runPlanCommand(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
