import type { AzureClientOptions } from './azure-client-options.js';
import { mapAzureError, type AzureOperation } from './map-azure-error.js';

/** Runs one SDK call and turns its failure into a PullDoctorError (logged once, without secrets). */
export function azureCall(options: AzureClientOptions) {
  return async <T>(context: AzureOperation, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const mapped = mapAzureError(error, context);
      options.log?.warn('azure call failed', { code: mapped.code, ...mapped.facts });
      throw mapped;
    }
  };
}
