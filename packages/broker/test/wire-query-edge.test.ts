import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from 'sqs-query-client';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput } from '../src/wire/query/index.js';
import { escapeXml } from '../src/wire/query/xml.js';
import { md5, plain, queryClient } from './wire-query-harness.js';

const decode = (action: string, form: string) => decodeQueryInput('sqs', action, new URLSearchParams(form));

/** Sends a command that the codec answers with an error; returns what the client threw. */
async function clientError(
  // biome-ignore lint/suspicious/noExplicitAny: any SQS command of the Query client
  command: any,
  queryCode: string,
  status: number,
  message: string,
  fault: 'Sender' | 'Receiver' = 'Sender',
) {
  const h = queryClient();
  h.answer({ status, error: { queryCode, fault, message } });
  const err = await h.client.send(command).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e as Record<string, unknown> & { Error?: Record<string, unknown> },
  );
  return err;
}

describe('Query codec: errors surface as the 3.445 client models them', () => {
  it('AWS.SimpleQueueService.NonExistentQueue becomes QueueDoesNotExist', async () => {
    const message = 'The specified queue does not exist for this wsdl version. <&>';
    const err = await clientError(
      new GetQueueUrlCommand({ QueueName: 'nope' }),
      'AWS.SimpleQueueService.NonExistentQueue',
      400,
      message,
    );
    assert.equal(err.name, 'QueueDoesNotExist');
    assert.equal(err.$fault, 'client');
    // 3.445 puts a modeled Query error's details under `Error` (its `message` is "UnknownError").
    assert.equal(err.Error?.Code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(err.Error?.Message, message);
    assert.equal(err.Error?.Type, 'Sender');
    assert.equal(err.RequestId, 'req-1');
  });

  it('a batch error code with the AWS.SimpleQueueService. prefix becomes its modeled exception', async () => {
    const err = await clientError(
      new SendMessageBatchCommand({ QueueUrl: 'http://localhost/1/q', Entries: [] }),
      'AWS.SimpleQueueService.EmptyBatchRequest',
      400,
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
    assert.equal(err.name, 'EmptyBatchRequest');
  });

  it('ReceiptHandleIsInvalid with status 404 becomes ReceiptHandleIsInvalid', async () => {
    const err = await clientError(
      new DeleteMessageCommand({ QueueUrl: 'http://localhost/1/q', ReceiptHandle: 'x' }),
      'ReceiptHandleIsInvalid',
      404,
      'The input receipt handle "x" is not a valid receipt handle.',
    );
    assert.equal(err.name, 'ReceiptHandleIsInvalid');
  });

  it('an unmodeled code (InvalidParameterValue) keeps its code, message and type', async () => {
    const message = 'Value "<x>" for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.';
    const err = await clientError(
      new GetQueueUrlCommand({ QueueName: 'q' }),
      'InvalidParameterValue',
      400,
      message,
    );
    assert.equal(err.name, 'InvalidParameterValue');
    assert.equal(err.Code, 'InvalidParameterValue');
    assert.equal(err.message, message);
    assert.equal(err.Type, 'Sender');
  });

  it('a Receiver fault renders Type Receiver', async () => {
    const err = await clientError(
      new GetQueueUrlCommand({ QueueName: 'q' }),
      'InternalError',
      500,
      'We encountered an internal error.',
      'Receiver',
    );
    assert.equal(err.name, 'InternalError');
    assert.equal(err.Type, 'Receiver');
  });

  it('renders the ErrorResponse document exactly', () => {
    assert.equal(
      encodeQueryError('sqs', { queryCode: 'MissingParameter', fault: 'Sender', message: 'A & B' }, 'r-1'),
      '<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>MissingParameter</Code><Message>A &amp; B</Message><Detail/></Error><RequestId>r-1</RequestId></ErrorResponse>',
    );
  });
});

describe('Query codec: decoding odd and hand-written input', () => {
  it('leaves integers and booleans that do not parse as strings, for validation to name them', () => {
    assert.deepEqual(decode('SendMessage', 'QueueUrl=u&MessageBody=b&DelaySeconds=abc'), {
      QueueUrl: 'u',
      MessageBody: 'b',
      DelaySeconds: 'abc',
    });
    assert.deepEqual(
      decode('ReceiveMessage', 'MaxNumberOfMessages=1.5&WaitTimeSeconds=&VisibilityTimeout=-1'),
      {
        MaxNumberOfMessages: '1.5',
        WaitTimeSeconds: '',
        VisibilityTimeout: -1,
      },
    );
    assert.deepEqual(decode('ListQueues', 'MaxResults=99999999999999999999'), {
      MaxResults: '99999999999999999999',
    });
  });

  it('ignores unknown and protocol parameters', () => {
    assert.deepEqual(
      decode(
        'DeleteQueue',
        'Action=DeleteQueue&Version=2012-11-05&QueueUrl=u&Bogus=1&QueueUrl.1=x&AWSAccessKeyId=a',
      ),
      { QueueUrl: 'u' },
    );
  });

  it('gives an unknown action its top-level scalars only', () => {
    assert.deepEqual(
      decode(
        'FrobnicateQueue',
        'Action=FrobnicateQueue&Version=2012-11-05&QueueUrl=u&Level=3&Attribute.1.Name=x&X-Amz-Date=d',
      ),
      { QueueUrl: 'u', Level: '3' },
    );
    assert.deepEqual(decode('__proto__', 'QueueUrl=u'), { QueueUrl: 'u' });
    assert.deepEqual(decode('toString', 'QueueUrl=u'), { QueueUrl: 'u' });
  });

  it('orders list items by index, tolerating gaps and any parameter order', () => {
    assert.deepEqual(decode('UntagQueue', 'TagKey.10=c&TagKey.2=b&QueueUrl=u&TagKey.1=a'), {
      QueueUrl: 'u',
      TagKeys: ['a', 'b', 'c'],
    });
  });

  it('takes a bare AttributeName=All as a one-item list and AttributeName= as an empty one', () => {
    assert.deepEqual(decode('GetQueueAttributes', 'AttributeName=All'), { AttributeNames: ['All'] });
    assert.deepEqual(decode('GetQueueAttributes', 'AttributeName='), { AttributeNames: [] });
    assert.deepEqual(decode('SendMessageBatch', 'SendMessageBatchRequestEntry='), { Entries: [] });
  });

  it('decodes MessageSystemAttributeName.N (newer model member) for ReceiveMessage', () => {
    assert.deepEqual(
      decode('ReceiveMessage', 'MessageSystemAttributeName.1=SentTimestamp&MessageSystemAttributeName.2=All'),
      {
        MessageSystemAttributeNames: ['SentTimestamp', 'All'],
      },
    );
  });

  it('skips map entries without a name and keeps __proto__ as an own key', () => {
    const got = decode(
      'SetQueueAttributes',
      'Attribute.1.Value=orphan&Attribute.2.Name=__proto__&Attribute.2.Value=x&Attribute.3.Name=DelaySeconds&Attribute.3.Value=5',
    );
    assert.deepEqual(Object.keys(got.Attributes as object), ['__proto__', 'DelaySeconds']);
    assert.equal(Object.getPrototypeOf(got.Attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(got.Attributes, '__proto__')?.value, 'x');
  });

  it('keeps the first of repeated parameters and decodes nested batch entries', () => {
    const got = decode(
      'SendMessageBatch',
      [
        'QueueUrl=u&QueueUrl=v',
        'SendMessageBatchRequestEntry.1.Id=a',
        'SendMessageBatchRequestEntry.1.MessageBody=%26%3C%0D%0A',
        'SendMessageBatchRequestEntry.1.DelaySeconds=7',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Binary',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue=AAE%3D',
      ].join('&'),
    );
    assert.deepEqual(got, {
      QueueUrl: 'u',
      Entries: [
        {
          Id: 'a',
          MessageBody: '&<\r\n',
          DelaySeconds: 7,
          MessageAttributes: { k: { DataType: 'Binary', BinaryValue: 'AAE=' } },
        },
      ],
    });
  });
});

describe('Query codec: encoding', () => {
  it('renders the SendMessage response like the AWS documentation example', () => {
    const xml = encodeQueryOutput(
      'sqs',
      'SendMessage',
      {
        MD5OfMessageBody: 'fafb00f5732ab283681e124bf8747ed1',
        MessageId: '5fea7756-0ea4-451a-a703-a558b933e274',
        SequenceNumber: undefined,
      },
      '27daac76-34dd-47df-bd01-1f6e873584a0',
    );
    assert.equal(
      xml,
      '<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult><MD5OfMessageBody>fafb00f5732ab283681e124bf8747ed1</MD5OfMessageBody><MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId></SendMessageResult><ResponseMetadata><RequestId>27daac76-34dd-47df-bd01-1f6e873584a0</RequestId></ResponseMetadata></SendMessageResponse>',
    );
  });

  it('renders ReceiveMessage attributes as Name/Value pairs and message attributes with a Value struct', () => {
    const xml = encodeQueryOutput(
      'sqs',
      'ReceiveMessage',
      {
        Messages: [
          {
            MessageId: 'm',
            Attributes: { SenderId: 's' },
            MessageAttributes: { b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]) }, n: null },
          },
        ],
      },
      'r',
    );
    assert.match(
      xml,
      /<Message><MessageId>m<\/MessageId><Attribute><Name>SenderId<\/Name><Value>s<\/Value><\/Attribute><MessageAttribute><Name>b<\/Name><Value><BinaryValue>AQI=<\/BinaryValue><DataType>Binary<\/DataType><\/Value><\/MessageAttribute><\/Message>/,
    );
  });

  it('renders an unknown action with a safe element name and its scalar output', () => {
    assert.equal(
      encodeQueryOutput('sqs', 'Do<x>', { A: 1, B: { c: 1 } }, 'r'),
      '<UnknownResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><UnknownResult><A>1</A></UnknownResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UnknownResponse>',
    );
  });

  it('escapes the XML specials, CR, and replaces characters XML cannot carry', () => {
    assert.equal(escapeXml('plain text\n\t'), 'plain text\n\t');
    assert.equal(escapeXml(`&<>"'\r`), '&amp;&lt;&gt;&quot;&apos;&#xD;');
    assert.equal(escapeXml('a\u0000b\u001Fc\uFFFEd\uFFFF'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFD');
    assert.equal(escapeXml('😀\uE000\uD7FF'), '😀\uE000\uD7FF');
    assert.equal(
      escapeXml('x=1;y<2>#%\u0001\tz\n{"k":"v"}'),
      'x=1;y&lt;2&gt;#%\uFFFD\tz\n{&quot;k&quot;:&quot;v&quot;}',
    );
  });

  it('a body of every allowed kind of character survives the client parser byte for byte', async () => {
    let body = '\t\n\r \r\n&amp;&#xD;&#10;&lt;<![CDATA[x]]>';
    for (const cp of [0x20, 0x7e, 0x7f, 0x85, 0xa0, 0x2028, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x10ffff]) {
      body += String.fromCodePoint(cp);
    }
    const h = queryClient();
    const message = { MessageId: 'm', ReceiptHandle: 'h', MD5OfBody: md5(body), Body: body };
    h.answer({ output: { Messages: [message] } });
    const got = plain(await h.client.send(new ReceiveMessageCommand({ QueueUrl: 'http://localhost/1/q' })));
    assert.deepEqual(got, { Messages: [message] });
  });
});
