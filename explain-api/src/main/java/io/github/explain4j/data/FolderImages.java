package io.github.explain4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The image files of a folder, flat or one sub-folder per class (see {@link ImageSource#folder}). */
final class FolderImages implements ImageSource {

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path dir;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classes;

    private FolderImages(Path dir, List<Path> files, int[] labels, List<String> classes) {
        this.dir = dir;
        this.files = files;
        this.labels = labels;
        this.classes = classes;
    }

    static FolderImages of(Path dir) {
        if (dir == null) {
            throw new NullPointerException("folder was null; pass the directory that holds the images");
        }
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException("image folder " + dir.toAbsolutePath() + " does not exist"
                    + " or is not a directory; pass a directory of image files, or of one sub-folder per class"));
        }
        try {
            List<Path> subDirs;
            try (Stream<Path> s = Files.list(dir)) {
                subDirs = s.filter(Files::isDirectory).sorted().toList();
            }
            List<Path> files = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<String> classes = new ArrayList<>();
            if (subDirs.isEmpty()) {
                for (Path f : images(dir)) {
                    files.add(f);
                    labels.add(DatasetItem.UNLABELLED);
                }
            } else {
                for (Path sub : subDirs) {
                    List<Path> inside = images(sub);
                    if (inside.isEmpty()) {
                        continue;
                    }
                    for (Path f : inside) {
                        files.add(f);
                        labels.add(classes.size());
                    }
                    classes.add(sub.getFileName().toString());
                }
            }
            if (files.isEmpty()) {
                throw new IOException("image folder " + dir.toAbsolutePath() + " holds no image file (" + EXTENSIONS
                        + ")" + (subDirs.isEmpty() ? "" : " in its sub-folders"));
            }
            return new FolderImages(dir, List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(),
                    List.copyOf(classes));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(FolderImages::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public long size() {
        return files.size();
    }

    @Override
    public String description() {
        return "folder " + dir + " (" + files.size() + (classes.isEmpty() ? "" : ", " + classes.size() + " classes")
                + ")";
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public Stream<DatasetItem> stream(long first) {
        Sources.checkFirst(first);
        return LongStream.range(Math.min(first, files.size()), files.size()).mapToObj(i -> {
            Path f = files.get((int) i);
            BufferedImage image;
            try {
                image = ImageIO.read(f.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("image " + i + " (" + f + ") could not be read: " + e.getMessage(), e);
            }
            if (image == null) {
                throw new UncheckedIOException(new IOException("image " + i + " (" + f + ") is not a readable image;"
                        + " remove it from the folder or convert it to PNG"));
            }
            return new DatasetItem(i, image, labels[(int) i], dir.relativize(f).toString());
        });
    }
}
