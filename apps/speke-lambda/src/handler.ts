import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';

type ProxyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

function pathOf(event: ProxyEvent): string {
  return 'rawPath' in event ? event.rawPath : event.path;
}

/** The Lambda entry point for API Gateway (REST and HTTP APIs) and function URLs. */
export async function handler(event: ProxyEvent): Promise<APIGatewayProxyResult> {
  if (pathOf(event).endsWith('/heartbeat')) {
    return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'cpixkit SPEKE key service is running' };
  }
  return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'no such route' };
}
