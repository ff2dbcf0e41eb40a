package dev.porchlight.domain.site;

/**
 * Which bottom corner of the host page the chat bubble sits in.
 */
public enum LauncherPosition {

	RIGHT, LEFT

}
