package org.baton.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Horizontal bar charts as PNG, drawn with Java2D (headless): no charting library for a few bars. */
final class Charts {
    private Charts() {
    }

    static void bars(Path file, String title, String unit, LinkedHashMap<String, Double> values) throws IOException {
        int width = 900;
        int rowHeight = 34;
        int height = 70 + rowHeight * values.size();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0x1d2733));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 20, 32);
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        int labelWidth = 300;
        int barMax = width - labelWidth - 140;
        int y = 55;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (Map.Entry<String, Double> entry : values.entrySet()) {
            boolean baton = entry.getKey().toLowerCase().startsWith("baton");
            g.setColor(new Color(0x1d2733));
            g.drawString(entry.getKey(), 20, y + 20);
            int w = max <= 0 ? 0 : (int) Math.round(barMax * entry.getValue() / max);
            g.setColor(baton ? new Color(0x0b6e6e) : new Color(0x9aa8b6));
            g.fillRect(labelWidth, y + 6, Math.max(1, w), rowHeight - 12);
            g.setColor(new Color(0x1d2733));
            g.drawString(String.format("%,.0f %s", entry.getValue(), unit), labelWidth + w + 8, y + 21);
            y += rowHeight;
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(new Color(0xd8dee6));
        g.drawLine(labelWidth, 50, labelWidth, height - 10);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
