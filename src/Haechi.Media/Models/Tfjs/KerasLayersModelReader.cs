using System.Globalization;
using System.Text.Json.Nodes;

namespace Haechi.Media.Models.Tfjs;

/// <summary>
/// Reads a TensorFlow.js <c>layers-model</c> (a Keras functional or sequential model) into a
/// <see cref="TfGraph"/> of TF ops: Conv2D/DepthwiseConv2D become fused convolutions,
/// BatchNormalization is folded into a multiply and an add, Dropout disappears (inference).
/// </summary>
internal static class KerasLayersModelReader
{
    /// <summary>Reads the model; <paramref name="outputNames"/> renames output layers in ONNX (layer name → ONNX name).</summary>
    public static TfGraph Read(JsonObject model, Func<string, byte[]> readShard, IReadOnlyDictionary<string, string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var topology = model["modelTopology"]?.AsObject() ?? throw new ModelConversionException("The model has no modelTopology.");
        var config = (topology["model_config"] ?? topology)["config"] ?? throw new ModelConversionException("The layers model has no config.");
        var weights = TfjsWeights.Read(model["weightsManifest"]?.AsArray() ?? [], readShard);
        var builder = new Builder(weights);

        var layers = config is JsonArray sequential ? sequential : config["layers"]?.AsArray() ?? throw new ModelConversionException("The layers model has no layers.");
        string? previous = null;
        foreach (var item in layers)
        {
            var layer = item!.AsObject();
            var className = layer["class_name"]!.GetValue<string>();
            var layerConfig = layer["config"]!.AsObject();
            var name = layer["name"]?.GetValue<string>() ?? layerConfig["name"]!.GetValue<string>();
            var inputs = InboundNames(layer["inbound_nodes"]);
            if (inputs.Count == 0 && previous is not null && className != "InputLayer")
            {
                inputs.Add(previous); // Sequential models have no inbound nodes.
            }

            if (previous is null && className != "InputLayer" && layerConfig["batch_input_shape"] is { } shape)
            {
                builder.Graph.Inputs.Add(new TfInput("input", BatchShape(shape)));
                inputs.Add("input");
            }

            builder.AddLayer(className, name, layerConfig, inputs);
            previous = name;
        }

        if (config is JsonObject functional && functional["output_layers"] is JsonArray outputLayers)
        {
            foreach (var output in outputLayers)
            {
                var layerName = output![0]!.GetValue<string>();
                builder.Graph.Outputs.Add((outputNames?.GetValueOrDefault(layerName) ?? layerName, builder.Resolve(layerName)));
            }
        }
        else if (previous is not null)
        {
            builder.Graph.Outputs.Add((outputNames?.GetValueOrDefault(previous) ?? previous, builder.Resolve(previous)));
        }

        return builder.Graph;
    }

    private static List<string> InboundNames(JsonNode? inbound)
    {
        var names = new List<string>();
        if (inbound is not JsonArray calls || calls.Count == 0)
        {
            return names;
        }

        if (calls.Count > 1)
        {
            throw new ModelConversionException("A layer called more than once (shared layers) is not converted.");
        }

        foreach (var link in calls[0]!.AsArray())
        {
            names.Add(link![0]!.GetValue<string>());
        }

        return names;
    }

    private static int[] BatchShape(JsonNode node)
    {
        var shape = TfjsWeights.ReadShape(node);
        return shape;
    }

    private sealed class Builder(Dictionary<string, TfTensor> weights)
    {
        // Layer name → the node (or input) that holds its output.
        private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);

        public TfGraph Graph { get; } = new();

        public string Resolve(string layer) =>
            _outputs.TryGetValue(layer, out var node) ? node : throw new ModelConversionException($"Layer '{layer}' is used before it is defined.");

        public void AddLayer(string className, string name, JsonObject config, List<string> inboundLayers)
        {
            var inputs = new List<string>(inboundLayers.Count);
            foreach (var inbound in inboundLayers)
            {
                inputs.Add(_outputs.TryGetValue(inbound, out var node) ? node : inbound);
            }

            string output;
            switch (className)
            {
                case "InputLayer":
                    Graph.Inputs.Add(new TfInput(name, BatchShape(config["batch_input_shape"]!)));
                    output = name;
                    break;
                case "Conv2D":
                    output = Convolution(name, config, inputs[0], "Conv2D", name + "/kernel");
                    break;
                case "DepthwiseConv2D":
                    if ((config["depth_multiplier"]?.Number() ?? 1) < 1)
                    {
                        throw new ModelConversionException($"Layer '{name}' has an invalid depth multiplier.");
                    }

                    output = Convolution(name, config, inputs[0], "DepthwiseConv2dNative", name + "/depthwise_kernel");
                    break;
                case "BatchNormalization":
                    output = BatchNormalization(name, config, inputs[0]);
                    break;
                case "ReLU":
                    output = Relu(name, config, inputs[0]);
                    break;
                case "Activation":
                    output = Activation(name, config["activation"]?.GetValue<string>(), inputs[0]);
                    break;
                case "Add":
                    output = inputs[0];
                    for (var i = 1; i < inputs.Count; i++)
                    {
                        var nodeName = i == inputs.Count - 1 ? name : $"{name}/add{i}";
                        Graph.Nodes.Add(new TfNode(nodeName, "AddV2", [output, inputs[i]], TfAttributes.None));
                        output = nodeName;
                    }

                    break;
                case "Concatenate":
                    var axisName = name + "/axis";
                    Graph.Constants[axisName] = new TfTensor([], [(int)(config["axis"]?.Number() ?? -1)]);
                    Graph.Nodes.Add(new TfNode(name, "ConcatV2", [.. inputs, axisName], TfAttributes.None));
                    output = name;
                    break;
                case "ZeroPadding2D":
                    output = ZeroPadding(name, config, inputs[0]);
                    break;
                case "MaxPooling2D" or "AveragePooling2D":
                    output = Pooling(name, config, inputs[0], className == "MaxPooling2D" ? "MaxPool" : "AvgPool");
                    break;
                case "GlobalAveragePooling2D":
                    var axes = name + "/axes";
                    Graph.Constants[axes] = new TfTensor([2], [1, 2]);
                    Graph.Nodes.Add(new TfNode(name, "Mean", [inputs[0], axes], TfAttributes.None));
                    output = name;
                    break;
                case "Flatten":
                    Graph.Nodes.Add(new TfNode(name, "Flatten", [inputs[0]], TfAttributes.None));
                    output = name;
                    break;
                case "Dense":
                    output = Dense(name, config, inputs[0]);
                    break;
                case "Dropout":
                    output = inputs[0];
                    break;
                default:
                    throw new ModelConversionException($"Keras layer '{className}' (layer '{name}') is not supported by Haechi's converter.");
            }

            _outputs[name] = output;
        }

        private string Convolution(string name, JsonObject config, string input, string op, string kernelName)
        {
            RequireChannelsLast(name, config);
            var kernel = Weight(kernelName);
            var strides = Pair(config["strides"], 1);
            var dilations = Pair(config["dilation_rate"], 1);
            var padding = config["padding"]?.GetValue<string>()?.ToUpperInvariant() ?? "VALID";
            var useBias = config["use_bias"]?.GetValue<bool>() ?? true;
            Graph.Constants[kernelName] = kernel;
            var attributes = new TfAttributes
            {
                Strides = [1, strides[0], strides[1], 1],
                Dilations = [1, dilations[0], dilations[1], 1],
                Padding = padding,
                FusedOps = useBias ? ["BiasAdd"] : [],
            };
            string[] inputs = [input, kernelName];
            if (useBias)
            {
                var biasName = name + "/bias";
                Graph.Constants[biasName] = Weight(biasName);
                inputs = [input, kernelName, biasName];
                op = op == "Conv2D" ? "_FusedConv2D" : "FusedDepthwiseConv2dNative";
            }

            var convName = name + "/conv";
            Graph.Nodes.Add(new TfNode(convName, op, inputs, attributes));
            return Activation(name, config["activation"]?.GetValue<string>(), convName);
        }

        private string BatchNormalization(string name, JsonObject config, string input)
        {
            var axis = (int)(config["axis"]?.Number() ?? -1);
            if (axis is not (-1 or 3))
            {
                throw new ModelConversionException($"BatchNormalization '{name}' normalises axis {axis}; only the channel axis is supported.");
            }

            var epsilon = config["epsilon"]?.Number() ?? 1e-3;
            var mean = Weight(name + "/moving_mean").Floats!;
            var variance = Weight(name + "/moving_variance").Floats!;
            var gamma = (config["scale"]?.GetValue<bool>() ?? true) ? Weight(name + "/gamma").Floats! : null;
            var beta = (config["center"]?.GetValue<bool>() ?? true) ? Weight(name + "/beta").Floats! : null;
            var scale = new float[mean.Length];
            var shift = new float[mean.Length];
            for (var c = 0; c < scale.Length; c++)
            {
                // y = (x − mean)·γ/√(var+ε) + β, folded as TF's grappler does.
                var s = (gamma?[c] ?? 1.0) / Math.Sqrt(variance[c] + epsilon);
                scale[c] = (float)s;
                shift[c] = (float)((beta?[c] ?? 0.0) - (mean[c] * s));
            }

            Graph.Constants[name + "/scale"] = new TfTensor([scale.Length], scale);
            Graph.Constants[name + "/shift"] = new TfTensor([shift.Length], shift);
            Graph.Nodes.Add(new TfNode(name + "/mul", "Mul", [input, name + "/scale"], TfAttributes.None));
            Graph.Nodes.Add(new TfNode(name, "AddV2", [name + "/mul", name + "/shift"], TfAttributes.None));
            return name;
        }

        private string Relu(string name, JsonObject config, string input)
        {
            var max = config["max_value"]?.Number();
            var slope = config["negative_slope"]?.Number() ?? 0;
            var threshold = config["threshold"]?.Number() ?? 0;
            if (threshold != 0)
            {
                throw new ModelConversionException($"ReLU '{name}' has a threshold, which is not supported.");
            }

            if (slope != 0)
            {
                if (max is not null)
                {
                    throw new ModelConversionException($"ReLU '{name}' has both a slope and a maximum, which is not supported.");
                }

                Graph.Nodes.Add(new TfNode(name, "LeakyRelu", [input], new TfAttributes { Alpha = (float)slope }));
                return name;
            }

            if (max is 6)
            {
                Graph.Nodes.Add(new TfNode(name, "Relu6", [input], TfAttributes.None));
                return name;
            }

            if (max is { } limit)
            {
                Graph.Constants[name + "/max"] = new TfTensor([], [(float)limit]);
                Graph.Nodes.Add(new TfNode(name + "/relu", "Relu", [input], TfAttributes.None));
                Graph.Nodes.Add(new TfNode(name, "Minimum", [name + "/relu", name + "/max"], TfAttributes.None));
                return name;
            }

            Graph.Nodes.Add(new TfNode(name, "Relu", [input], TfAttributes.None));
            return name;
        }

        private string Activation(string name, string? activation, string input)
        {
            var op = activation switch
            {
                null or "linear" => null,
                "relu" => "Relu",
                "relu6" => "Relu6",
                "sigmoid" => "Sigmoid",
                "softmax" => "Softmax",
                "tanh" => "Tanh",
                _ => throw new ModelConversionException($"Activation '{activation}' (layer '{name}') is not supported."),
            };
            if (op is null)
            {
                return input;
            }

            var nodeName = input == name ? name + "/" + activation : name;
            Graph.Nodes.Add(new TfNode(nodeName, op, [input], TfAttributes.None));
            return nodeName;
        }

        private string ZeroPadding(string name, JsonObject config, string input)
        {
            RequireChannelsLast(name, config);
            int top, bottom, left, right;
            var padding = config["padding"];
            if (padding is JsonArray pair && pair.Count == 2 && pair[0] is JsonArray rows && pair[1] is JsonArray columns)
            {
                (top, bottom) = ((int)rows[0]!.Number(), (int)rows[1]!.Number());
                (left, right) = ((int)columns[0]!.Number(), (int)columns[1]!.Number());
            }
            else if (padding is JsonArray symmetric && symmetric.Count == 2)
            {
                top = bottom = (int)symmetric[0]!.Number();
                left = right = (int)symmetric[1]!.Number();
            }
            else
            {
                top = bottom = left = right = (int)(padding?.Number() ?? 1);
            }

            var paddings = name + "/paddings";
            Graph.Constants[paddings] = new TfTensor([4, 2], [0, 0, top, bottom, left, right, 0, 0]);
            Graph.Nodes.Add(new TfNode(name, "Pad", [input, paddings], TfAttributes.None));
            return name;
        }

        private string Pooling(string name, JsonObject config, string input, string op)
        {
            RequireChannelsLast(name, config);
            var size = Pair(config["pool_size"], 2);
            var strides = config["strides"] is JsonArray or JsonValue ? Pair(config["strides"], 1) : size;
            Graph.Nodes.Add(new TfNode(name, op, [input], new TfAttributes
            {
                KernelSize = [1, size[0], size[1], 1],
                Strides = [1, strides[0], strides[1], 1],
                Padding = config["padding"]?.GetValue<string>()?.ToUpperInvariant() ?? "VALID",
            }));
            return name;
        }

        private string Dense(string name, JsonObject config, string input)
        {
            var kernelName = name + "/kernel";
            Graph.Constants[kernelName] = Weight(kernelName);
            var useBias = config["use_bias"]?.GetValue<bool>() ?? true;
            var matmul = name + "/matmul";
            if (useBias)
            {
                var biasName = name + "/bias";
                Graph.Constants[biasName] = Weight(biasName);
                Graph.Nodes.Add(new TfNode(matmul, "_FusedMatMul", [input, kernelName, biasName], new TfAttributes { FusedOps = ["BiasAdd"] }));
            }
            else
            {
                Graph.Nodes.Add(new TfNode(matmul, "MatMul", [input, kernelName], TfAttributes.None));
            }

            return Activation(name, config["activation"]?.GetValue<string>(), matmul);
        }

        private TfTensor Weight(string name) =>
            weights.TryGetValue(name, out var tensor) ? tensor : throw new ModelConversionException($"Weight '{name}' is missing from the manifest.");

        private static void RequireChannelsLast(string name, JsonObject config)
        {
            var format = config["data_format"]?.GetValue<string>();
            if (format is not null && format != "channels_last")
            {
                throw new ModelConversionException($"Layer '{name}' uses {format}; only channels_last is supported.");
            }
        }

        private static int[] Pair(JsonNode? node, int fallback) => node switch
        {
            JsonArray array when array.Count == 2 => [(int)array[0]!.Number(), (int)array[1]!.Number()],
            JsonValue value => [(int)value.Number(), (int)value.Number()],
            null => [fallback, fallback],
            _ => throw new ModelConversionException(string.Create(CultureInfo.InvariantCulture, $"Expected a pair of integers, found {node.ToJsonString()}.")),
        };
    }
}
