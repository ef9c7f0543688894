import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { OrgConfigError } from '../shared/domain/org/org-config.ts';
import { KithStack, stackName } from './kith-stack.ts';
import { loadOrg, OrgArgumentError } from './load-org.ts';

/**
 * `npx cdk synth -c org=<slug>`: validates config/orgs/<slug>.json and builds the stack `Kith-<slug>`
 * in the account and region the config names. cdk-nag (AWS Solutions, Serverless and HIPAA Security packs) validates
 * every synth; an unacknowledged finding fails it.
 */
export function buildApp(app = new App()): { app: App; stack: KithStack } {
  const org = loadOrg(app.node.tryGetContext('org'));
  const stack = new KithStack(app, stackName(org), { org });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new HIPAASecurityChecks(app));
  return { app, stack };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (error instanceof OrgConfigError) {
      console.error(`${error.source} is not a valid organisation config:`);
      for (const problem of error.problems) console.error(`  ${problem}`);
      process.exit(1);
    }
    if (error instanceof OrgArgumentError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
