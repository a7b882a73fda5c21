/**
 * Regression testing with captures ({@code xlat test}): a corpus is a directory of cases (input capture,
 * expected capture, optional configuration and case options); each case is replayed through a fresh translator
 * in this process and compared field by field; results as text lines and a JUnit XML report.
 */
package io.xlat.control.corpus;
