import type { Context } from 'aws-lambda';
import { type HttpEvent, type HttpResult, json } from './http.ts';

type RouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * One function for several routes of a feature (each route still its own `httpHandler`), chosen
 * by API Gateway's `routeKey` (`GET /dashboard/groups/{groupId}`). Fewer functions keep the stack
 * under CloudFormation's 500 resources; the routes must share the function's bindings.
 */
export function routeByKey(routes: Record<string, RouteHandler>) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return json(404, { error: { code: 'not_found', message: 'No such route.' } });
    return route(event, context);
  };
}
