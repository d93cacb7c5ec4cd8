/**
 * Whether a stage manages the Region's API Gateway CloudWatch role (`AWS::ApiGateway::Account`).
 *
 * The setting is one per account and Region, shared by every REST API there, and a REST stage's
 * access and execution logs need it: where none is set, the stage fails its deploy ("CloudWatch
 * Logs role ARN must be set in account settings to enable logging"). So a stage left unset
 * manages it exactly when the Region may have none: unless the preflight record (`preflight-record.ts`)
 * says a role is already set, in which case it leaves the setting to whoever set it and two
 * stages never take turns re-pointing it. A stage that manages it retains the role and the
 * setting on deletion (`JobApi`), so deleting it never silences the other stages' logs.
 */
import type { ConcurrencyBasis } from './config-reservations';

/** The decision, and why when a preflight record made it. */
export interface ApiGatewayAccountDecision {
  readonly manage: boolean;
  /** One line for the synth output when the record decided; undefined otherwise. */
  readonly notice?: string;
}

/**
 * Decides `manageApiGatewayAccount`.
 *
 * @param explicit the stage's own setting, which always wins
 * @param basis the preflight record synth uses, if any
 * @default explicit - from the record: off when it shows a role already set, else on
 */
export function decideApiGatewayAccount(
  explicit: boolean | undefined,
  basis: ConcurrencyBasis,
): ApiGatewayAccountDecision {
  if (explicit !== undefined) return { manage: explicit };
  const reading = basis.kind === 'recorded' ? basis.record.apiGatewayAccount : undefined;
  if (reading?.source === 'read' && reading.cloudWatchRoleArn) {
    return {
      manage: false,
      notice: `The Region already has an API Gateway CloudWatch role (${reading.cloudWatchRoleArn}, per the preflight record): this stage leaves that account setting alone (set manageApiGatewayAccount to decide otherwise).`,
    };
  }
  // No role set, or not known: managing it is what lets the stage's logging deploy at all.
  return { manage: true };
}
