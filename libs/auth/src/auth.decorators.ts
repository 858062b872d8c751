import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard, REQUIRE_ADMIN, type RequestWithPrincipal } from './auth.guard';

/** Routes of this controller or handler need a valid bearer token or API key. */
export function Authenticated(...moreGuards: Function[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AuthGuard, ...moreGuards),
    ApiBearerAuth(),
    ApiSecurity('apiKey'),
    ApiUnauthorizedResponse({ description: 'No valid bearer token or API key' }),
  );
}

/** Only platform admins (users with the admin role, admin-scoped API keys). */
export function RequireAdmin(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRE_ADMIN, true),
    ApiForbiddenResponse({ description: 'The caller is not a platform admin' }),
  );
}

/** The authenticated principal of the request, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
});
