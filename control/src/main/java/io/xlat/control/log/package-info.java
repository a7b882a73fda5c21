/**
 * The logging backend of {@link java.lang.System.Logger}, the one logging API of xlat: one line per event on stderr
 * (collected by systemd's journal), human-readable by default or JSON for log collectors ({@code --log-format}).
 * java.util.logging (Netty's default) is routed here too. Nothing here is used on the data plane's hot path.
 */
package io.xlat.control.log;
