package org.gunyah.vmm.shell;

import java.util.List;

/**
 * What the listing commands return: rows of data with their column headings. The shell prints it
 * through {@link TableConverter}; a script can still read the rows.
 */
sealed interface Table permits FunctionTable, VmTable {
    List<String> headings();

    List<List<String>> cells();

    /** What an empty table prints instead of a lone heading. */
    String emptyText();

    /** Columns padded to their widest cell, two spaces apart, the last one unpadded. */
    default String render() {
        List<List<String>> rows = cells();
        if (rows.isEmpty()) {
            return emptyText();
        }
        List<String> head = headings();
        int[] width = new int[head.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = head.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        appendRow(b, head, width);
        for (List<String> r : rows) {
            b.append('\n');
            appendRow(b, r, width);
        }
        return b.toString();
    }

    private static void appendRow(StringBuilder b, List<String> cells, int[] width) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            b.append(cell);
            if (c < cells.size() - 1) {
                b.append(" ".repeat(width[c] - cell.length() + 2));
            }
        }
    }
}
