import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard, REQUIRE_ADMIN, REQUIRE_KEY_MANAGEMENT, type RequestWithPrincipal } from './auth.guard';

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

/**
 * Only those who may create and revoke API keys: platform admins, and keys with the
 * key-management scope (a key that only reads every workspace may not).
 */
export function RequireKeyManagement(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRE_KEY_MANAGEMENT, true),
    ApiForbiddenResponse({ description: 'The caller may not manage API keys' }),
  );
}

/** The authenticated principal of the request, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
});
