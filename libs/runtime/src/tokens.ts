export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The service's name (`gateway`, `access-log`, ...), as CoreModule.register was given it. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
