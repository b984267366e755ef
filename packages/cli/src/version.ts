/** The version of the wasmpipe binary. */
export const version = '0.1.0';
