/** The wxgate release this code is. */
export const VERSION = "0.1.0";
