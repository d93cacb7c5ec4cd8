/**
 * The calls no recorded function call shows, because AWS services make them: CloudWatch alarms
 * publishing to the alarm topic (and using its KMS key), API Gateway and EventBridge invoking
 * functions, and each event-source mapping reading its queue with the function's role.
 */

import { apiRoutes } from './api-routes';
import type { EvaluationRequest } from './evaluate';
import { functionRequest, type PolicyLookup, serviceRequest } from './requests';
import type { FunctionRole, StackModel } from './stack-model';

/** One service-to-service call and what the template must decide for it. */
export interface ServicePath {
  /** e.g. `CloudWatch alarm AsyncEndpoints-api-... -> sns:Publish on the alarm topic` */
  readonly name: string;
  readonly request: EvaluationRequest;
  /** The function whose role makes the call (event-source mappings): its grants count as used. */
  readonly role?: FunctionRole;
}

const ALARM_ACTION_PROPERTIES = ['AlarmActions', 'OKActions', 'InsufficientDataActions'];

/**
 * Every alarm that notifies the alarm topic: `sns:Publish` on it, and (the topic being
 * encrypted) `kms:GenerateDataKey` and `kms:Decrypt` on its key, from cloudwatch.amazonaws.com
 * with the alarm as `aws:SourceArn`.
 * @throws Error when no alarm notifies the topic (the check would prove nothing)
 */
export function alarmPaths(model: StackModel, policyOf?: PolicyLookup): ServicePath[] {
  const r = model.resolver;
  const topicId = model.logicalId(model.stack.monitoring.alarmTopic);
  const topicArn = r.attribute(topicId, 'TopicArn');
  const keyValue = r.resource(topicId).Properties?.KmsMasterKeyId;
  const key = keyValue === undefined ? undefined : r.string(keyValue);
  const keyArn =
    key && !key.startsWith('arn:') ? `arn:${r.partition}:kms:${r.region}:${r.account}:key/${key}` : key;
  const paths: ServicePath[] = [];
  for (const [id, resource] of Object.entries(r.template.Resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const actions = ALARM_ACTION_PROPERTIES.flatMap(
      (p) => r.resolve(resource.Properties?.[p] ?? []) as string[],
    );
    if (!actions.includes(topicArn)) continue;
    const alarmArn = r.attribute(id, 'Arn');
    const alarm = r.physicalName(id);
    const call = (action: string, resourceArn: string, what: string): ServicePath => ({
      name: `CloudWatch alarm ${alarm} -> ${action} on ${what}`,
      request: serviceRequest(
        model,
        'cloudwatch.amazonaws.com',
        alarmArn,
        { action, resource: resourceArn },
        policyOf,
      ),
    });
    paths.push(call('sns:Publish', topicArn, 'the alarm topic'));
    if (keyArn) {
      paths.push(
        call('kms:GenerateDataKey', keyArn, 'the alarm topic key'),
        call('kms:Decrypt', keyArn, 'the alarm topic key'),
      );
    }
  }
  if (paths.length === 0) throw new Error('No alarm notifies the alarm topic: the alarm paths prove nothing');
  return paths;
}

/** API Gateway invoking each route's function, with the route's execute-api ARN as `aws:SourceArn`. */
export function apiInvokePaths(model: StackModel, policyOf?: PolicyLookup): ServicePath[] {
  return apiRoutes(model.resolver).flatMap((route) =>
    route.functionArn
      ? [
          {
            name: `API Gateway ${route.method} ${route.path} -> lambda:InvokeFunction on ${model.functionByArn(route.functionArn)?.label ?? route.functionArn}`,
            request: serviceRequest(
              model,
              'apigateway.amazonaws.com',
              route.executeApiArn,
              { action: 'lambda:InvokeFunction', resource: route.functionArn },
              policyOf,
            ),
          },
        ]
      : [],
  );
}

/**
 * EventBridge invoking each function a rule targets (the sweeper's schedule), with the rule as
 * `aws:SourceArn`.
 */
export function scheduledInvokePaths(model: StackModel, policyOf?: PolicyLookup): ServicePath[] {
  const r = model.resolver;
  return Object.entries(r.template.Resources).flatMap(([id, resource]) => {
    if (resource.Type !== 'AWS::Events::Rule') return [];
    const targets = r.resolve(resource.Properties?.Targets ?? []) as { Arn: string }[];
    return targets.flatMap((target) => {
      const fn = model.functionByArn(target.Arn);
      if (!fn) return [];
      return [
        {
          name: `EventBridge rule ${r.physicalName(id)} -> lambda:InvokeFunction on ${fn.label}`,
          request: serviceRequest(
            model,
            'events.amazonaws.com',
            r.attribute(id, 'Arn'),
            { action: 'lambda:InvokeFunction', resource: fn.functionArn },
            policyOf,
          ),
        },
      ];
    });
  });
}

/**
 * Each event-source mapping's reads of its queue, made with the function's execution role:
 * `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes`, and `kms:Decrypt` on the
 * queue's key when it has one.
 * @throws Error when a mapping's function is not one of the stack's functions
 */
export function eventSourcePaths(model: StackModel, policyOf?: PolicyLookup): ServicePath[] {
  const r = model.resolver;
  return Object.entries(r.template.Resources).flatMap(([id, resource]) => {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') return [];
    const props = resource.Properties ?? {};
    const name = r.string(props.FunctionName);
    const fn = model
      .functionRoles()
      .find((f) => f.functionArn === name || f.functionArn.endsWith(`:function:${name}`));
    if (!fn) throw new Error(`Event-source mapping ${id} invokes ${name}, not one of the stack's functions`);
    const queueArn = r.string(props.EventSourceArn);
    const key = model.queueKey(queueArn);
    const specs = [
      ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
        action,
        resource: queueArn,
      })),
    ].map((spec) => ({ ...spec, context: {} }));
    if (key) {
      const viaSqs = { 'kms:ViaService': `sqs.${r.region}.amazonaws.com`, 'kms:CallerAccount': r.account };
      specs.push({ action: 'kms:Decrypt', resource: key, context: viaSqs });
    }
    return specs.map((spec) => ({
      name: `event-source mapping of ${fn.label} -> ${spec.action} on ${queueArn.slice(queueArn.lastIndexOf(':') + 1)}`,
      request: functionRequest(model, fn, spec, policyOf),
      role: fn,
    }));
  });
}

/** Every service-to-service path of the stack. */
export function servicePaths(model: StackModel, policyOf?: PolicyLookup): ServicePath[] {
  return [
    ...alarmPaths(model, policyOf),
    ...apiInvokePaths(model, policyOf),
    ...scheduledInvokePaths(model, policyOf),
    ...eventSourcePaths(model, policyOf),
  ];
}
