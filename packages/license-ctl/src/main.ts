import { run } from './index';

run(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});

// A closed pipe (`license-ctl records | head`) is not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
