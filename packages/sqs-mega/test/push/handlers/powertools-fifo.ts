// A FIFO handler as the Powertools docs show it: SqsFifoPartialProcessorAsync + processPartialResponse.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';

const processor = new SqsFifoPartialProcessorAsync();

const recordHandler = async (record: SQSRecord): Promise<void> => {
  if (JSON.parse(record.body).fail) throw new Error('failed');
};

export const handler: SQSHandler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true });
