/** The YAML configuration file: one small class per top-level section, all errors collected with FILE:LINE:COL. */
package io.xlat.control.config;
