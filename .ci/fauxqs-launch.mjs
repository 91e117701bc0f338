// Starts fauxqs (SQS, SNS and basic S3) on 127.0.0.1 only: its own command line always
// binds 0.0.0.0:4566. The port comes from FAUXQS_PORT (0: any free port); the address is
// printed once the server listens. SIGTERM or SIGINT stops it.
import { buildApp } from "fauxqs";

const port = Number(process.env.FAUXQS_PORT || 0);
const app = buildApp({ logger: false });
const address = await app.listen({ host: "127.0.0.1", port });
console.log(`fauxqs listening on ${address}`);
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    app.close().finally(() => process.exit(0));
  });
}
