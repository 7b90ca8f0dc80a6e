package org.etab.source;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the registry shows of a dataset as plain values: its names, targets, views and defaults. Made with
 * {@link #builder()}; immutable. A {@link DescribedProvider} answers the registry's questions from it.
 */
public final class DatasetDescription {
    private final String name;
    private final String title;
    private final List<Target> targets;
    private final Target defaultTarget;
    private final List<String> views;
    private final boolean video;

    private DatasetDescription(Builder b) {
        name = b.name;
        title = b.title;
        targets = List.copyOf(b.targets);
        defaultTarget = b.defaultTarget;
        views = List.copyOf(b.views);
        video = b.video;
    }

    /**
     * A builder with nothing set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these values, to make a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .title(title)
                .targets(targets)
                .defaultTarget(defaultTarget)
                .views(views)
                .video(video);
    }

    /**
     * As {@link DatasetProvider#name()}.
     *
     * @return the lower-case registry name
     */
    public String name() {
        return name;
    }

    /**
     * As {@link DatasetProvider#title()}.
     *
     * @return the name for people
     */
    public String title() {
        return title;
    }

    /**
     * As {@link DatasetProvider#targets()}.
     *
     * @return the targets in ETAB's order, immutable, not empty
     */
    public List<Target> targets() {
        return targets;
    }

    /**
     * As {@link DatasetProvider#defaultTarget()}.
     *
     * @return one of {@link #targets()}
     */
    public Target defaultTarget() {
        return defaultTarget;
    }

    /**
     * As {@link DatasetProvider#views()}.
     *
     * @return the view names, immutable
     */
    public List<String> views() {
        return views;
    }

    /**
     * As {@link DatasetProvider#videoByDefault()}.
     *
     * @return true for clips by default, false for single frames
     */
    public boolean video() {
        return video;
    }

    /** Builds a {@link DatasetDescription}; every setting is required. Not thread-safe. */
    public static final class Builder {
        private String name;
        private String title;
        private List<Target> targets;
        private Target defaultTarget;
        private List<String> views;
        private Boolean video;

        private Builder() {}

        /**
         * The registry name.
         *
         * @param name non-empty and lower case ({@code echonet})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The dataset's own name for people.
         *
         * @param title e.g. {@code EchoNet-Dynamic}
         * @return this builder
         */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /**
         * The targets offered.
         *
         * @param targets not empty, in ETAB's order (copied at {@link #build()})
         * @return this builder
         */
        public Builder targets(List<Target> targets) {
            this.targets = targets;
            return this;
        }

        /**
         * The target used when none is named.
         *
         * @param defaultTarget one of the targets
         * @return this builder
         */
        public Builder defaultTarget(Target defaultTarget) {
            this.defaultTarget = defaultTarget;
            return this;
        }

        /**
         * The views offered by name.
         *
         * @param views the names messages list ({@code AP4CH}, ...), copied at {@link #build()}
         * @return this builder
         */
        public Builder views(List<String> views) {
            this.views = views;
            return this;
        }

        /**
         * Clips or single frames by default.
         *
         * @param video true for clips, false for still-image datasets
         * @return this builder
         */
        public Builder video(boolean video) {
            this.video = video;
            return this;
        }

        /**
         * Checks the settings and makes the description.
         *
         * @return the immutable description
         * @throws NullPointerException     naming a setting that was not given
         * @throws IllegalArgumentException for a name that is not lower case, no targets, or a default target
         *                                  that is not among them
         */
        public DatasetDescription build() {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(targets, "targets");
            Objects.requireNonNull(defaultTarget, "defaultTarget");
            Objects.requireNonNull(views, "views");
            Objects.requireNonNull(video, "video");
            if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("name must be non-empty lower case but was '" + name + "'");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("targets must not be empty for dataset " + name);
            }
            if (!targets.contains(defaultTarget)) {
                throw new IllegalArgumentException(
                        "defaultTarget must be one of " + targets + " but was " + defaultTarget);
            }
            return new DatasetDescription(this);
        }
    }
}
