import { describe, expect, it } from 'vitest';
import { type CfnTemplate, TemplateResolver } from './template-resolver';

// CloudFormation's Fn::Sub syntax, not template literals.
// biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub
const LOG_GROUP_ARN = 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:jobs';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub
const WITH_VARIABLE = '${Q}/x';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub
const REF_AND_ATTRIBUTE = '${Queue}|${Queue.Arn}|${AWS::URLSuffix}';

const template: CfnTemplate = {
  Resources: {
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: { 'Fn::Join': ['_', [{ Ref: 'AWS::StackName' }, 'echo']] } },
    },
    Unnamed: { Type: 'AWS::SQS::Queue' },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Topic: { Type: 'AWS::SNS::Topic' },
    Thing: { Type: 'AWS::Custom::Thing' },
  },
  Parameters: { Version: { Default: '/cdk-bootstrap/version' } },
};
const r = new TemplateResolver(template, 'Stage');

describe('TemplateResolver', () => {
  it('resolves Ref and Fn::GetAtt from the name property, or a name made from the logical id', () => {
    expect(r.resolve({ Ref: 'Queue' })).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/Stage_echo');
    expect(r.resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe(
      'arn:aws:sqs:us-east-1:123456789012:Stage_echo',
    );
    expect(r.resolve({ 'Fn::GetAtt': 'Unnamed.QueueName' })).toBe('Stage-Unnamed');
    expect(r.resolve({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe('arn:aws:s3:::stage-bucket');
    expect(r.resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:us-east-1:123456789012:Stage-Topic');
    expect(r.resolve({ Ref: 'Version' })).toBe('/cdk-bootstrap/version');
  });

  it('resolves Fn::Join, Fn::Sub, Fn::Select and Fn::Split with pseudo parameters, and drops AWS::NoValue', () => {
    expect(
      r.resolve({
        Statement: [
          {
            Resource: {
              'Fn::Sub': LOG_GROUP_ARN,
            },
          },
          { Ref: 'AWS::NoValue' },
        ],
        Select: { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Queue', 'Arn'] }] }] },
        Named: { 'Fn::Sub': [WITH_VARIABLE, { Q: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }] },
        Url: { 'Fn::Sub': REF_AND_ATTRIBUTE },
      }),
    ).toEqual({
      Statement: [{ Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:jobs' }],
      Select: 'aws',
      Named: 'Stage_echo/x',
      Url: 'https://sqs.us-east-1.amazonaws.com/123456789012/Stage_echo|arn:aws:sqs:us-east-1:123456789012:Stage_echo|amazonaws.com',
    });
  });

  it('names what it cannot resolve', () => {
    expect(() => r.resolve({ 'Fn::GetAtt': ['Thing', 'Arn'] })).toThrow(
      /No fake value for Thing.Arn \(AWS::Custom::Thing\)/,
    );
    expect(() => r.resolve({ Ref: 'Missing' })).toThrow(/no resource Missing/);
    expect(() => r.resolve({ 'Fn::ImportValue': 'x' })).toThrow(/Fn::ImportValue is not supported/);
  });
});
