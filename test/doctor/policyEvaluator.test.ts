/**
 * The local IAM's policy evaluator (what the local SimulatePrincipalPolicy answers with): explicit
 * Deny wins, then Allow, else the implicit deny; Action/NotAction wildcards (case-insensitive),
 * Resource/NotResource ARNs (case-sensitive); a statement with a Condition does not match (the
 * simulator without context values), which the file's opening comment names as not modelled.
 */
import assert from 'node:assert/strict';
import { evaluate, type PolicyDocument } from '../../localdev/identity/policyEvaluator';

const APP = 'arn:aws:qbusiness:us-east-1:111122223333:application/2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';
const policy = (...Statement: Array<Record<string, unknown>>): PolicyDocument => ({ Version: '2012-10-17', Statement });

describe('local IAM policy evaluator', () => {
  it('allows a listed action on a listed resource, and nothing else', () => {
    const chat = policy({ Effect: 'Allow', Action: ['qbusiness:ChatSync', 'qbusiness:Chat'], Resource: APP });
    assert.equal(evaluate([chat], 'qbusiness:ChatSync', APP), 'allowed');
    assert.equal(evaluate([chat], 'qbusiness:PutFeedback', APP), 'implicitDeny');
    assert.equal(evaluate([chat], 'qbusiness:ChatSync', APP.replace('2a9e7c1d', '99999999')), 'implicitDeny', 'another application');
  });

  it('action wildcards are case-insensitive; resource ARNs are case-sensitive with * and ?', () => {
    const wide = policy({ Effect: 'Allow', Action: 'QBUSINESS:*', Resource: 'arn:aws:qbusiness:us-east-1:111122223333:application/*' });
    assert.equal(evaluate([wide], 'qbusiness:ListMessages', APP), 'allowed');
    assert.equal(evaluate([wide], 'sts:AssumeRole', APP), 'implicitDeny');
    assert.equal(evaluate([policy({ Effect: 'Allow', Action: 'qbusiness:Chat?ync', Resource: APP })], 'qbusiness:ChatSync', APP), 'allowed');
    assert.equal(evaluate([policy({ Effect: 'Allow', Action: '*', Resource: APP.toUpperCase() })], 'qbusiness:Chat', APP), 'implicitDeny');
  });

  it('an explicit Deny in any policy wins over an Allow', () => {
    const allow = policy({ Effect: 'Allow', Action: 'qbusiness:*', Resource: '*' });
    const deny = policy({ Effect: 'Deny', Action: 'qbusiness:DeleteConversation', Resource: '*' });
    assert.equal(evaluate([allow, deny], 'qbusiness:DeleteConversation', APP), 'explicitDeny');
    assert.equal(evaluate([allow, deny], 'qbusiness:Chat', APP), 'allowed');
  });

  it('NotAction and NotResource invert the match', () => {
    const allExcept = policy({ Effect: 'Allow', NotAction: 'qbusiness:DeleteConversation', Resource: '*' });
    assert.equal(evaluate([allExcept], 'qbusiness:Chat', APP), 'allowed');
    assert.equal(evaluate([allExcept], 'qbusiness:DeleteConversation', APP), 'implicitDeny');
    const notHere = policy({ Effect: 'Deny', Action: '*', NotResource: APP });
    assert.equal(evaluate([policy({ Effect: 'Allow', Action: '*', Resource: '*' }), notHere], 'qbusiness:Chat', APP), 'allowed');
    assert.equal(evaluate([policy({ Effect: 'Allow', Action: '*', Resource: '*' }), notHere], 'qbusiness:Chat', 'arn:aws:qbusiness:us-east-1:111122223333:application/other'), 'explicitDeny');
  });

  it('a statement with a Condition does not match (no context values are modelled)', () => {
    const conditional = policy({ Effect: 'Allow', Action: 'qbusiness:Chat', Resource: APP, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
    assert.equal(evaluate([conditional], 'qbusiness:Chat', APP), 'implicitDeny');
  });
});
