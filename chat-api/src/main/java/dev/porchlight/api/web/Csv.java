package dev.porchlight.api.web;

/**
 * CSV as spreadsheets read it safely.
 */
public final class Csv {

	private Csv() {
	}

	/**
	 * A CSV cell: quoted, quotes doubled, and a leading character that spreadsheets treat
	 * as a formula defused with an apostrophe.
	 * @param value the text
	 * @return the cell
	 */
	public static String cell(String value) {
		String safe = (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) ? "'" + value : value;
		return '"' + safe.replace("\"", "\"\"") + '"';
	}

}
