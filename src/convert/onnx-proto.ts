/**
 * The subset of `onnx.proto` (ONNX IR version 9, field numbers from onnx/onnx.proto3) that the converter
 * writes and the tests read, as a protobufjs reflection schema.
 *
 * Why protobufjs and not npm `onnx-proto`: protobufjs is a well-kept, widely used protobuf runtime that
 * onnxruntime-web already depends on (so it costs nothing extra in node_modules), and a reflection schema
 * defined in code needs no `.proto` file at run time (works in bundles and in the browser). `onnx-proto` is a
 * stale generated copy of an old onnx.proto (2020) pinned to protobufjs 6 and lacks newer fields.
 */
import protobuf from "protobufjs";

const schema = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            tensors: { rule: "repeated", type: "TensorProto", id: 10 },
            graphs: { rule: "repeated", type: "GraphProto", id: 11 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            floatData: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
            int32Data: { rule: "repeated", type: "int32", id: 5, options: { packed: true } },
            stringData: { rule: "repeated", type: "bytes", id: 6 },
            int64Data: { rule: "repeated", type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            externalData: { rule: "repeated", type: "StringStringEntryProto", id: 13 },
            dataLocation: { type: "int32", id: 14 },
            doubleData: { rule: "repeated", type: "double", id: 10, options: { packed: true } },
            uint64Data: { rule: "repeated", type: "uint64", id: 11, options: { packed: true } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: "Tensor", id: 1 }, denotation: { type: "string", id: 6 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(schema);

export const ModelProto = root.lookupType("onnx.ModelProto");
export const GraphProto = root.lookupType("onnx.GraphProto");
export const NodeProto = root.lookupType("onnx.NodeProto");
export const TensorProto = root.lookupType("onnx.TensorProto");
export const ValueInfoProto = root.lookupType("onnx.ValueInfoProto");
export const OperatorSetIdProto = root.lookupType("onnx.OperatorSetIdProto");
export const StringStringEntryProto = root.lookupType("onnx.StringStringEntryProto");

/** onnx.TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** onnx.AttributeProto.AttributeType values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

/** Bytes per element of a data type. */
export function elementSize(dataType: DataTypeCode): number {
  switch (dataType) {
    case DataType.FLOAT:
    case DataType.INT32:
      return 4;
    case DataType.INT64:
      return 8;
    case DataType.FLOAT16:
      return 2;
    default:
      return 1;
  }
}
