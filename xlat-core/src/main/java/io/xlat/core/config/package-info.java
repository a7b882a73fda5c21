/** Validated configuration values the translation core is built from. */
package io.xlat.core.config;
