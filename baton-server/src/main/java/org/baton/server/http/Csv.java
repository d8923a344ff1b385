package org.baton.server.http;

import java.util.List;

/**
 * CSV as RFC 4180 writes it (CRLF lines, quotes where needed), safe to open in a spreadsheet: a cell starting with
 * {@code =}, {@code +}, {@code -} or {@code @} would run as a formula, so it is prefixed with {@code '}.
 */
public final class Csv {
    private Csv() {
    }

    /** Appends one row of cells (null written as empty). */
    public static void row(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object value = cells.get(i);
            String cell = value == null ? "" : value.toString();
            if (!cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0 && !(value instanceof Number)) {
                cell = "'" + cell;
            }
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                cell = '"' + cell.replace("\"", "\"\"") + '"';
            }
            sb.append(cell);
        }
        sb.append("\r\n");
    }
}
