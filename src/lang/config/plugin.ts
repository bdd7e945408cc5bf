// The deployment-configuration plugin: one frontend for compose, Procfile, crontab,
// Kubernetes, Terraform, CloudFormation / SAM, serverless.yml and event contracts (AsyncAPI,
// Avro, JSON Schema), and the extractors reading it.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { asyncapiExtractor } from '../../extractors/asyncapi/asyncapi.js';
import { avroExtractor } from '../../extractors/avro/avro.js';
import { cloudformationExtractor } from '../../extractors/cloudformation/cloudformation.js';
import { dockerComposeExtractor } from '../../extractors/docker-compose/docker-compose.js';
import { kubernetesExtractor } from '../../extractors/kubernetes/kubernetes.js';
import { processFilesExtractor } from '../../extractors/process-files/process-files.js';
import { terraformExtractor } from '../../extractors/terraform/terraform.js';
import { configFrontend, type ConfigFile } from './frontend.js';

export const configPlugin: LanguagePlugin<ConfigFile> = {
  frontend: configFrontend,
  extractors: [
    asyncapiExtractor,
    avroExtractor,
    cloudformationExtractor,
    dockerComposeExtractor,
    kubernetesExtractor,
    processFilesExtractor,
    terraformExtractor,
  ],
};
