// Work in progress: replaced by the real handler.
export const handler = async () => ({ statusCode: 503, body: 'not yet' });
